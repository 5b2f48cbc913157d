"""Meta's static limits for Flow JSON, in one place for the generator and the validator.

Source: the Flow JSON component reference as summarised in reference/whatsapp-flows.md §1–§2.
Where sources disagree the smaller number is taken (the reference marks the conflicts).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

FLOW_JSON_VERSION = "7.3"
# Versions Meta accepts for publishing new Flows (changelog snapshot, reference §1.9).
PUBLISHABLE_VERSIONS = frozenset({"5.1", "6.0", "6.1", "6.2", "6.3", "7.0", "7.1", "7.2", "7.3"})

SCREEN_TITLE = 30
COMPONENTS_PER_SCREEN = 50
FOOTERS_PER_SCREEN = 1
PICKERS_PER_SCREEN = 1
PICKERS_PER_COMPLETION = 10
OPTINS_PER_SCREEN = 5
EMBEDDED_LINKS_PER_SCREEN = 2
IMAGES_PER_SCREEN = 3
IF_DEPTH = 3
RESERVED_SCREEN_ID = "SUCCESS"
MAX_FILE_SIZE_KB = 25600  # 25 MiB, the pickers' own ceiling
PICKER_COUNT_RANGE = (0, 30)  # min-uploaded-*: 0–30; max-uploaded-*: 1–30
RADIO_OPTIONS = (1, 20)
DROPDOWN_OPTIONS = (1, 200)
OPTION_TITLE = 30
OPTION_DESCRIPTION = 300
OPTION_METADATA = 20

PICKERS = frozenset({"PhotoPicker", "DocumentPicker"})
INPUTS = frozenset(
    {
        "TextInput",
        "TextArea",
        "Dropdown",
        "RadioButtonsGroup",
        "CheckboxGroup",
        "ChipsSelector",
        "DatePicker",
        "CalendarPicker",
        "OptIn",
        *PICKERS,
    }
)
# Components an `If` (and a `Switch` case) may hold; pickers are not among them (reference §2.7).
CONDITIONAL_CHILDREN = frozenset(
    {
        "TextHeading",
        "TextSubheading",
        "TextBody",
        "TextCaption",
        "RichText",
        "CheckboxGroup",
        "DatePicker",
        "Dropdown",
        "EmbeddedLink",
        "Footer",
        "Image",
        "OptIn",
        "RadioButtonsGroup",
        "Switch",
        "TextArea",
        "TextInput",
        "If",
    }
)
PATTERN_INPUT_TYPES = frozenset({"text", "number", "password", "passcode"})
PICKER_MAX_KEY = {"PhotoPicker": "max-uploaded-photos", "DocumentPicker": "max-uploaded-documents"}
PICKER_MIN_KEY = {"PhotoPicker": "min-uploaded-photos", "DocumentPicker": "min-uploaded-documents"}

# Character limits per component type and property.
TEXT_LIMITS: Mapping[str, Mapping[str, int]] = MappingProxyType(
    {
        "TextHeading": {"text": 80},
        "TextSubheading": {"text": 80},
        "TextBody": {"text": 4096},
        "TextCaption": {"text": 4096},
        "TextInput": {"label": 20, "helper-text": 80, "error-message": 30},
        "TextArea": {"label": 20, "helper-text": 80},
        "Dropdown": {"label": 20},
        "RadioButtonsGroup": {"label": 30, "description": 300},
        "CheckboxGroup": {"label": 30, "description": 300},
        "DatePicker": {"label": 40, "helper-text": 80, "error-message": 80},
        "OptIn": {"label": 120},
        "EmbeddedLink": {"text": 25},
        "Footer": {"label": 35, "left-caption": 15, "right-caption": 15, "center-caption": 15},
        "PhotoPicker": {"label": 80, "description": 300},
        "DocumentPicker": {"label": 80, "description": 300},
    }
)


def label_limit(component: str) -> int:
    """The most characters the `label` of `component` may have."""
    return TEXT_LIMITS[component]["label"]
