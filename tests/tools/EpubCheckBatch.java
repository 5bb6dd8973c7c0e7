// Runs EPUBCheck on many books in one JVM, for the tests: EPUBCheck's start-up (the JVM,
// then compiling its schemas) takes seconds and is the same for every book.
//
//   java -cp epubcheck.jar:lib/* EpubCheckBatch.java
//
// Reads "BOOK<TAB>REPORT.json" lines on stdin, checks BOOK exactly as the command line
// `epubcheck BOOK --json REPORT.json` does, and answers each line with "done<TAB>EXIT".
import com.adobe.epubcheck.tool.EpubChecker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

public class EpubCheckBatch {
    public static void main(String[] args) throws Exception {
        PrintStream answers = new PrintStream(System.out, true, "UTF-8");
        System.setOut(System.err); // EPUBCheck's own chatter must not mix with the answers
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] parts = line.split("\t", 2);
            int code;
            try {
                code = new EpubChecker().run(new String[] {parts[0], "--json", parts[1], "--quiet"});
            } catch (Throwable error) {
                error.printStackTrace();
                code = -1;
            }
            answers.println("done\t" + code);
        }
    }
}
