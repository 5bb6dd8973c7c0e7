"""Slides, speaker notes and pictures added to a python-pptx deck at a constant cost each.

python-pptx finds a new part's name, a new slide's id and relationship, and an already stored
copy of a picture by scanning everything the package holds, so a deck of n slides costs n²:
2,000 slides took 75 s. A deck we draw is only ever appended to, so one scan when drawing
starts, and counters and an index from there, give the same names, ids and sharing. The
package's own three lookups are replaced on this one package (python-pptx calls them from
its picture code); slides and notes pages are added here, each a copy of the first one
python-pptx made (copying the layout's placeholders anew for every slide was a third of the
drawing time).
"""

from __future__ import annotations

from copy import deepcopy
from typing import IO, Any

from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.packuri import PackURI
from pptx.parts.image import Image, ImagePart
from pptx.parts.slide import NotesSlidePart, SlidePart
from pptx.slide import NotesSlide, Slide, SlideLayout

SLIDE_NAME = "/ppt/slides/slide%d.xml"
NOTES_NAME = "/ppt/notesSlides/notesSlide%d.xml"
IMAGE_PREFIX = "/ppt/media/image"  # image1.png, image2.jpeg: one sequence whatever the type


class Appender:
    def __init__(self, prs: Any) -> None:
        self.prs = prs
        self.package = prs.part.package
        parts = list(self.package.iter_parts())
        self._taken = {str(part.partname) for part in parts}
        self._counters: dict[str, int] = {}
        self._images = {part.sha1: part for part in parts if isinstance(part, ImagePart)}
        self._image_numbers = {
            part.partname.idx for part in parts if str(part.partname).startswith(IMAGE_PREFIX)
        }
        self._next_image = 1
        self._id_list = prs.slides._sldIdLst
        self._next_id = max([255, *(int(i) for i in self._id_list.xpath("./p:sldId/@id"))]) + 1
        self._slides: dict[int, Any] = {}  # layout part -> a new slide's XML on it
        self._notes: Any = None  # a new notes page's XML
        self._links: dict[tuple[int, str], str] = {}  # (slide part, url) -> relationship id
        self.package.next_partname = self.partname
        self.package.next_image_partname = self.image_partname
        self.package.get_or_add_image_part = self.image_part

    def partname(self, template: str) -> PackURI:
        """The first free name ``template % n`` (n counting up from 1, never reused)."""
        n = self._counters.get(template, 1)
        while template % n in self._taken:
            n += 1
        self._counters[template] = n + 1
        self._taken.add(template % n)
        return PackURI(template % n)

    def image_partname(self, ext: str) -> PackURI:
        n = self._next_image
        while n in self._image_numbers:
            n += 1
        self._next_image = n + 1
        self._image_numbers.add(n)
        return PackURI(f"{IMAGE_PREFIX}{n}.{ext}")

    def image_part(self, image_file: str | IO[bytes]) -> ImagePart:
        """The package's part holding this picture, added if it holds none yet."""
        image = Image.from_file(image_file)
        part = self._images.get(image.sha1)
        if part is None:
            part = self._images[image.sha1] = ImagePart.new(self.package, image)
        return part

    def hyperlink(self, part: Any, url: str) -> str:
        """The id of ``part``'s relationship to the external ``url`` (python-pptx looks through
        every relationship of the slide for each link: a wide table of links cost cells²)."""
        key = (id(part), url)
        rid = self._links.get(key)
        if rid is None:
            add = getattr(part._rels, "_add_relationship", None)
            rid = str(
                add(RT.HYPERLINK, url, True) if add else part.relate_to(url, RT.HYPERLINK, is_external=True)
            )
            self._links[key] = rid
        return rid

    def add_slide(self, layout: SlideLayout) -> Slide:
        """A new last slide on ``layout``, as ``prs.slides.add_slide`` makes it.

        The first slide on a layout gets python-pptx's copies of the layout's placeholders;
        later ones a copy of that first slide as it was then (the same XML, made faster)."""
        presentation = self.prs.part
        template = self._slides.get(id(layout.part))
        if template is None:
            slide_part = SlidePart.new(self.partname(SLIDE_NAME), self.package, layout.part)  # type: ignore[no-untyped-call]
            slide_part.slide.shapes.clone_layout_placeholders(layout)
            self._slides[id(layout.part)] = deepcopy(slide_part._element)
        else:
            slide_part = SlidePart(self.partname(SLIDE_NAME), CT.PML_SLIDE, self.package, deepcopy(template))
            slide_part.relate_to(layout.part, RT.SLIDE_LAYOUT)
        add = getattr(presentation._rels, "_add_relationship", None)  # a new part: nothing to reuse
        rid = add(RT.SLIDE, slide_part) if add else presentation.relate_to(slide_part, RT.SLIDE)
        self._id_list._add_sldId(id=self._next_id, rId=rid)
        self._next_id += 1
        slide: Slide = slide_part.slide
        return slide

    def notes_slide(self, slide: Slide) -> NotesSlide:
        """The speaker-notes page of a slide this appender added (as ``slide.notes_slide``)."""
        slide_part = slide.part
        if self._notes is None:
            notes = slide.notes_slide  # python-pptx's own, placeholders copied from the notes master
            self._notes = deepcopy(notes.part._element)
            return notes
        master = self.prs.part.notes_master_part
        notes_part = NotesSlidePart(
            self.partname(NOTES_NAME), CT.PML_NOTES_SLIDE, self.package, deepcopy(self._notes)
        )
        notes_part.relate_to(master, RT.NOTES_MASTER)
        notes_part.relate_to(slide_part, RT.SLIDE)
        slide_part.relate_to(notes_part, RT.NOTES_SLIDE)
        return slide.notes_slide
