"""The few words export-post itself writes into outputs, in the post's language."""

from __future__ import annotations

_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "contents": "Contents",
        "missing": "Image unavailable",
        "cover": "Cover",
        "agenda": "Agenda",
    },
    "de": {
        "contents": "Inhalt",
        "missing": "Bild nicht verfügbar",
        "cover": "Titelbild",
        "agenda": "Agenda",
    },
    "fr": {
        "contents": "Sommaire",
        "missing": "Image indisponible",
        "cover": "Couverture",
        "agenda": "Programme",
    },
    "es": {
        "contents": "Contenido",
        "missing": "Imagen no disponible",
        "cover": "Portada",
        "agenda": "Agenda",
    },
    "pt": {
        "contents": "Sumário",
        "missing": "Imagem indisponível",
        "cover": "Capa",
        "agenda": "Agenda",
    },
    "zh": {"contents": "目录", "missing": "图片不可用", "cover": "封面", "agenda": "议程"},
    "ja": {
        "contents": "目次",
        "missing": "画像を表示できません",
        "cover": "表紙",
        "agenda": "アジェンダ",
    },
    "ko": {
        "contents": "목차",
        "missing": "이미지를 사용할 수 없음",
        "cover": "표지",
        "agenda": "목차",
    },
    "fa": {
        "contents": "فهرست",
        "missing": "تصویر در دسترس نیست",
        "cover": "جلد",
        "agenda": "دستور کار",
    },
}


def label(key: str, lang: str) -> str:
    table = _LABELS.get(lang.split("-")[0].lower(), _LABELS["en"])
    return table.get(key, _LABELS["en"][key])
