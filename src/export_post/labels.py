"""The few words export-post itself writes into outputs, in the post's language."""

from __future__ import annotations

_KEYS = ("contents", "missing", "cover", "agenda", "introduction", "thanks")
_LABELS: dict[str, tuple[str, ...]] = {
    "en": ("Contents", "Image unavailable", "Cover", "Agenda", "Introduction", "Thank you"),
    "de": ("Inhalt", "Bild nicht verfügbar", "Titelbild", "Agenda", "Einleitung", "Vielen Dank"),
    "fr": ("Sommaire", "Image indisponible", "Couverture", "Programme", "Introduction", "Merci"),
    "es": ("Contenido", "Imagen no disponible", "Portada", "Agenda", "Introducción", "Gracias"),
    "pt": ("Sumário", "Imagem indisponível", "Capa", "Agenda", "Introdução", "Obrigado"),
    "zh": ("目录", "图片不可用", "封面", "议程", "引言", "谢谢"),
    "ja": ("目次", "画像を表示できません", "表紙", "アジェンダ", "はじめに", "ありがとうございました"),
    "ko": ("목차", "이미지를 사용할 수 없음", "표지", "목차", "소개", "감사합니다"),
    "fa": ("فهرست", "تصویر در دسترس نیست", "جلد", "دستور کار", "مقدمه", "سپاس"),
}


def label(key: str, lang: str) -> str:
    """``key`` in ``lang`` (its primary subtag), English when the language is not listed."""
    row = _LABELS.get(lang.split("-")[0].lower(), _LABELS["en"])
    return row[_KEYS.index(key)]
