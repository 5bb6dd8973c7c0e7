"""The few words export-post itself writes into outputs, in the post's language."""

from __future__ import annotations

# key: contents, missing image, cover, agenda, introduction
_KEYS = ("contents", "missing", "cover", "agenda", "introduction")
_LABELS: dict[str, tuple[str, ...]] = {
    "en": ("Contents", "Image unavailable", "Cover", "Agenda", "Introduction"),
    "de": ("Inhalt", "Bild nicht verfügbar", "Titelbild", "Agenda", "Einleitung"),
    "fr": ("Sommaire", "Image indisponible", "Couverture", "Programme", "Introduction"),
    "es": ("Contenido", "Imagen no disponible", "Portada", "Agenda", "Introducción"),
    "pt": ("Sumário", "Imagem indisponível", "Capa", "Agenda", "Introdução"),
    "zh": ("目录", "图片不可用", "封面", "议程", "引言"),
    "ja": ("目次", "画像を表示できません", "表紙", "アジェンダ", "はじめに"),
    "ko": ("목차", "이미지를 사용할 수 없음", "표지", "목차", "소개"),
    "fa": ("فهرست", "تصویر در دسترس نیست", "جلد", "دستور کار", "مقدمه"),
}


def label(key: str, lang: str) -> str:
    """``key`` in ``lang`` (its primary subtag), English when the language is not listed."""
    row = _LABELS.get(lang.split("-")[0].lower(), _LABELS["en"])
    return row[_KEYS.index(key)]
