"""Real-world text for generated posts: prose in many scripts, code, TeX and names.

Written for these tests in the register of real technical blogs (none is copied from a post),
so the generated posts read like the ones export-post meets: sentences with punctuation,
quotes and numbers, code as people write it, formulas from papers.
"""

from __future__ import annotations

ENGLISH = [
    "The compiler hoists the load out of the loop, so the hot path touches memory only once.",
    "We trained the model for 40 epochs with a batch size of 256 and a cosine learning-rate schedule.",
    "It's not that the old approach was wrong -- it simply didn't scale past a few thousand users.",
    'As the saying goes, "premature optimization is the root of all evil"... most of the time.',
    "Before you start, make sure Ruby 3.2 and Bundler are installed; then run the setup script.",
    "This post walks through the proof step by step, with the intuition first and the algebra second.",
    "In practice, the variance of the estimator dominates the bias for small samples.",
    "I moved the blog to GitHub Pages last spring, and the build time dropped from minutes to seconds.",
    "Each request carries a token that expires after 15 minutes; refreshing it is the client's job.",
    "The results below were measured on an Intel i7-8700K at 3.7 GHz with turbo disabled.",
    "Notice how the attention weights concentrate on the first token of every sentence.",
    "If the cache misses, the lookup falls back to the database, which costs roughly 2 ms.",
    "Thanks to everyone who sent corrections after the first version of this article!",
    "Version 4.0 removes the deprecated flags, so update your configuration files first.",
    "A small change in the hash function reduced collisions by an order of magnitude.",
    "Gradient descent converges here because the loss is convex and its gradient is Lipschitz.",
    "The team met every Friday to review what broke and what we had learned from it.",
    "Don't forget to pin your dependencies; otherwise tomorrow's release may break today's build.",
]
GERMAN = [
    "Die Straße vor dem Bürogebäude wurde über Nacht für den Verkehr gesperrt.",
    "Größere Datenmengen verarbeitet das Programm inzwischen deutlich schneller.",
    "Übrigens: Die Konfigurationsdatei liegt im Verzeichnis des Benutzers.",
]
FRENCH = [
    "L'équipe a publié une nouvelle version : elle corrige les problèmes signalés en été.",
    "Ça fonctionne « presque » partout, sauf sur les très vieux navigateurs.",
]
SPANISH = [
    "¿Por qué el algoritmo tarda tanto? Porque recorre la lista dos veces.",
    "La conexión se cierra automáticamente después de treinta segundos de inactividad.",
]
RUSSIAN = ["Сервер отвечает быстрее, если включить кэширование на стороне клиента."]
GREEK = ["Η συνάρτηση επιστρέφει πάντα έναν θετικό αριθμό."]
CHINESE = [
    "我们在这篇文章中介绍如何使用静态网站生成器搭建个人博客。",
    "深度学习模型的训练需要大量的数据和计算资源。",
    "这个函数的时间复杂度是线性的，空间复杂度是常数。",
]
JAPANESE = [
    "このブログでは、プログラミングの基本的な考え方を紹介します。",
    "東京で開催されたカンファレンスに参加しました。",
]
KOREAN = [
    "이 글에서는 자연어 처리의 기본 개념을 설명합니다.",
    "모델의 성능은 데이터의 품질에 크게 좌우됩니다.",
]
ARABIC = [
    "هذه المقالة تشرح كيفية إنشاء موقع شخصي باستخدام جيكل.",
    "تعلم الآلة هو فرع من فروع الذكاء الاصطناعي.",
]
HEBREW = ["המאמר הזה מסביר איך לבנות אתר אישי בעזרת ג'קיל.", "הקוד זמין במאגר הפתוח שלנו."]
PERSIAN = ["این نوشته درباره‌ی ساختن یک وبلاگ ساده با جکیل است.", "برنامه‌نویسی را با پایتون شروع کردم."]
HINDI = ["यह लेख मशीन लर्निंग की बुनियादी अवधारणाओं को समझाता है।"]
THAI = ["บทความนี้อธิบายวิธีการสร้างเว็บไซต์ส่วนตัว"]

CJK = CHINESE + JAPANESE + KOREAN
RTL = ARABIC + HEBREW + PERSIAN
OTHER_LATIN = GERMAN + FRENCH + SPANISH
ALL_PROSE = ENGLISH + OTHER_LATIN + RUSSIAN + GREEK + CJK + RTL + HINDI + THAI

SHORT_TITLES = [
    "Speed limits of modern CPUs",
    "Notes on variational inference",
    "How I built this blog",
    "Welcome to Jekyll!",
    "A visual guide to attention",
    "Release 2.4: what's new",
    "Understanding Rust lifetimes: a practical guide",
    "Why your cache is slower than you think",
    "Setting up CI for a static site",
    "机器学习入门",
    "مقدمة في تعلم الآلة",
    "Über die Kunst des Programmierens",
    "자연어 처리 시작하기",
]
NAMES = [
    "Travis Downs",
    "Jay Alammar",
    "Sanjeev Arora",
    "Chris Wellons",
    "María José Fernández",
    "Zoë O'Connor-Smith",
    "李明",
    "山田太郎",
    "김민수",
    "محمد رضا",
    "דוד כהן",
    "Jean-François Lefèvre",
]
AFFILIATIONS = ["Princeton University", "MIT CSAIL", "Google Research", "ETH Zürich", "東京大学", ""]
TAGS = [
    "jekyll",
    "machine-learning",
    "c++",
    "performance",
    "math",
    "rust",
    "deep learning",
    "web",
    "日本語",
    "ml",
]
LANGS = ["en", "en-US", "de", "fr", "es", "pt_BR", "zh-CN", "ja", "ko", "ar", "he", "fa", "hi", "ru"]
EMOJI = ["🚀", "🎉", "✅", "❤️", "👍🏽", "🇯🇵", "🧑‍💻", "⚠️", "😀", "🔥"]
SHORTCODES = [":smile:", ":rocket:", ":+1:", ":tada:", ":warning:", ":heart:"]
LONG_WORDS = [
    "Donaudampfschifffahrtsgesellschaftskapitänswitwe",
    "pneumonoultramicroscopicsilicovolcanoconiosis",
    "https://example.com/a/very/long/path/that/never/ends/and/keeps/going/on/index.html",
    "supercalifragilisticexpialidocious_supercalifragilisticexpialidocious",
    "AbstractSingletonProxyFactoryBeanDefinitionRegistryPostProcessor",
]
ABBREVIATIONS = [
    ("HTML", "Hyper Text Markup Language"),
    ("CPU", "Central Processing Unit"),
    ("W3C", "World Wide Web Consortium"),
]

INLINE_TEX = [
    r"x^2 + y^2 = z^2",
    r"\alpha \to \infty",
    r"O(n \log n)",
    r"\mathbb{E}[X] = \mu",
    r"\frac{a}{b}",
    r"\sum_{i=1}^{n} x_i",
    r"\sqrt{2}",
    r"p(x \mid \theta)",
    r"\nabla_\theta L",
    r"e^{i\pi} + 1 = 0",
]
DISPLAY_TEX = [
    r"\int_0^\infty e^{-x^2}\,dx = \frac{\sqrt{\pi}}{2}",
    r"\mathcal{L}(\theta) = -\sum_{i=1}^{N} \log p_\theta(y_i \mid x_i)",
    r"\operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}",
    r"\begin{aligned} f(x) &= (x+1)^2 \\ &= x^2 + 2x + 1 \end{aligned}",
    r"\begin{pmatrix} a & b \\ c & d \end{pmatrix} \begin{pmatrix} x \\ y \end{pmatrix}",
    r"f(n) = \begin{cases} n/2 & \text{if } n \text{ is even} \\ 3n+1 & \text{otherwise} \end{cases}",
    r"\nabla \cdot \mathbf{E} = \frac{\rho}{\varepsilon_0}",
    r"\Pr\left[\,|X - \mu| \geq k\sigma\,\right] \leq \frac{1}{k^2}",
]
ENVIRONMENTS = [
    ("equation", r"E = mc^2"),
    ("align", r"a &= b + c \\ d &= e - f"),
    ("align*", r"\|x\|_2 &\le \|x\|_1 \\ &\le \sqrt{n}\,\|x\|_2"),
    ("gather", r"x + y = 1 \\ x - y = 0"),
]


def _code(*lines: str) -> str:
    return "\n".join(lines) + "\n"


CODE = {
    "python": _code(
        "def fib(n: int) -> int:",
        "    a, b = 0, 1",
        "    for _ in range(n):",
        "        a, b = b, a + b",
        "    return a",
    ),
    "javascript": _code(
        "const total = items",
        "  .filter((x) => x.active)",
        "  .reduce((sum, x) => sum + x.price, 0);",
        "console.log(`Total: ${total}`);",
    ),
    "ruby": _code(
        "Jekyll::Hooks.register :posts, :pre_render do |post|",
        "  post.data['words'] = post.content.split.size",
        "end",
    ),
    "c": _code(
        "#include <stdio.h>",
        "",
        "int main(void) {",
        "    for (int i = 0; i < 10; i++)",
        '        printf("%d\\n", i * i);',
        "    return 0;",
        "}",
    ),
    "cpp": _code(
        "template <typename T>",
        "T clamp(T v, T lo, T hi) {",
        "    return std::max(lo, std::min(v, hi));",
        "}",
    ),
    "rust": _code(
        "fn main() {",
        "    let v: Vec<u32> = (1..=10).map(|x| x * x).collect();",
        '    println!("{:?}", v);',
        "}",
    ),
    "go": _code(
        "package main",
        "",
        'import "fmt"',
        "",
        "func main() {",
        "\tch := make(chan int)",
        "\tgo func() { ch <- 42 }()",
        "\tfmt.Println(<-ch)",
        "}",
    ),
    "bash": _code(
        "#!/usr/bin/env bash",
        "set -euo pipefail",
        "bundle exec jekyll serve --livereload --port 4000",
    ),
    "yaml": _code(
        "title: My Blog",
        "markdown: kramdown",
        "plugins:",
        "  - jekyll-feed",
        "  - jemoji",
    ),
    "json": _code(
        "{",
        '  "name": "export-post",',
        '  "version": "1.0.0",',
        '  "tags": ["epub", "pdf"]',
        "}",
    ),
    "sql": _code(
        "SELECT author, COUNT(*) AS posts",
        "FROM articles",
        "WHERE published_at > '2023-01-01'",
        "GROUP BY author",
        "ORDER BY posts DESC;",
    ),
    "haskell": _code(
        "quicksort :: Ord a => [a] -> [a]",
        "quicksort [] = []",
        "quicksort (p:xs) = quicksort [x | x <- xs, x < p] ++ [p] ++ quicksort [x | x <- xs, x >= p]",
    ),
    "html": _code(
        '<div class="card">',
        '  <img src="/assets/logo.png" alt="Logo">',
        "  <p>Hello &amp; welcome</p>",
        "</div>",
    ),
    "nasm": _code(
        "loop:",
        "    mov  rax, [rdi + rcx*8]",
        "    add  rdx, rax",
        "    dec  rcx",
        "    jnz  loop",
    ),
    "mermaid": _code(
        "graph TD;",
        "    A[Write post] --> B{Build};",
        "    B -->|ok| C[Publish];",
        "    B -->|fail| A;",
    ),
    "text": _code(
        "Elapsed: 12.345 s",
        "Throughput: 8192 ops/s",
    ),
    "liquid": _code(
        "{% for post in site.posts %}",
        '  <a href="{{ post.url }}">{{ post.title }}</a>',
        "{% endfor %}",
    ),
    "": _code(
        "plain code block without a language",
        "  indented line",
    ),
    "not-a-real-language": _code(
        "some code in a language Pygments does not know",
    ),
}
