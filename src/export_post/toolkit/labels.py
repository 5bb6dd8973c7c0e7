"""The few words export-post itself writes into outputs, in the post's language."""

from __future__ import annotations

_KEYS = ("contents", "missing", "cover", "agenda", "introduction", "thanks", "others")
_LABELS: dict[str, tuple[str, ...]] = {
    "en": ("Contents", "Image unavailable", "Cover", "Agenda", "Introduction", "Thank you", "et al."),
    "de": ("Inhalt", "Bild nicht verfügbar", "Titelbild", "Agenda", "Einleitung", "Vielen Dank", "u. a."),
    "fr": ("Sommaire", "Image indisponible", "Couverture", "Programme", "Introduction", "Merci", "et al."),
    "es": ("Contenido", "Imagen no disponible", "Portada", "Agenda", "Introducción", "Gracias", "et al."),
    "pt": ("Sumário", "Imagem indisponível", "Capa", "Agenda", "Introdução", "Obrigado", "et al."),
    "zh": ("目录", "图片不可用", "封面", "议程", "引言", "谢谢", "等"),
    "ja": (
        "目次",
        "画像を表示できません",
        "表紙",
        "アジェンダ",
        "はじめに",
        "ありがとうございました",
        "ほか",
    ),
    "ko": ("목차", "이미지를 사용할 수 없음", "표지", "목차", "소개", "감사합니다", "외"),
    "fa": ("فهرست", "تصویر در دسترس نیست", "جلد", "دستور کار", "مقدمه", "سپاس", "و دیگران"),
    "ar": ("المحتويات", "الصورة غير متاحة", "الغلاف", "جدول الأعمال", "مقدمة", "شكرًا لكم", "وآخرون"),
    "he": ("תוכן העניינים", "התמונה אינה זמינה", "כריכה", "סדר היום", "מבוא", "תודה רבה", "ואחרים"),
}


def label(key: str, lang: str) -> str:
    """``key`` in ``lang`` (its primary subtag), English when the language is not listed."""
    row = _LABELS.get(lang.split("-")[0].lower(), _LABELS["en"])
    return row[_KEYS.index(key)]
