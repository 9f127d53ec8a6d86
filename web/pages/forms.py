"""The pages' forms (flask-wtf, so each carries its CSRF token) rendered with the GOV.UK widgets
of govuk-frontend-wtf. Every message is written the GOV.UK way: it says what to do.

Every field is asked with the widget the table of field kinds (``workflow.core.fields``) names
for its kind, and read back through the same table. Forms for case data are built from
``datagroups`` specs, so a new key in a definition gets a field without new code here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (  # type: ignore[import-untyped, unused-ignore]
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    Field,
    Form,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from web.pages.datagroups import Group, Spec, lookup
from workflow.core import fields
from workflow.core.fields import FieldKind, FieldSpec, Widget, widget_of

# flask-wtf, wtforms and govuk-frontend-wtf are untyped: their classes are Any to mypy, so each
# class made from one says so (``type: ignore[misc]``).
MAX_TEXT = 300
MAX_LONG = 20_000


class _WithoutEmptyHint:
    """govuk-frontend-wtf gives radios and checkboxes a hint even when the field has none,
    which renders an empty hint (and points aria-describedby at it): leave it out."""

    def map_gov_params(self, field: Field, **kwargs: Any) -> dict[str, Any]:
        params: dict[str, Any] = super().map_gov_params(field, **kwargs)  # type: ignore[misc]
        hint = params.get("hint")
        if not hint or not (hint.get("text") or hint.get("html")):
            params.pop("hint", None)
        return params


class RadioInput(_WithoutEmptyHint, GovRadioInput):  # type: ignore[misc, unused-ignore]
    pass


class CheckboxInput(_WithoutEmptyHint, GovCheckboxInput):  # type: ignore[misc, unused-ignore]
    pass


def options(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """Choices the way WTForms 3.3 wants them (tuples are deprecated)."""
    return [SelectChoice(value, label) for value, label in pairs]


class GovDateField(Field):  # type: ignore[misc, unused-ignore]
    """A date asked as day, month and year (the GOV.UK date input), all three or none."""

    widget = GovDateInput()

    def __init__(self, label: str = "", validators: Any = None, required: str = "", **kw: Any):
        super().__init__(label, validators, **kw)
        self.required_message = required
        self._problem = ""

    def _value(self) -> str:
        return self.data.isoformat() if isinstance(self.data, date) else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        parts = [str(v).strip() for v in [*valuelist, "", "", ""][:3]]
        self.raw_data = parts
        self.data = None
        if not any(parts):
            return
        named = dict(zip(("day", "month", "year"), parts, strict=True))
        missing = [k for k, v in named.items() if not v]
        label = self.label.text
        if missing:
            raise ValueError(f"{label} must include a {' and a '.join(missing)}")
        if not all(re.fullmatch(r"\d{1,4}", v) for v in parts) or len(parts[2]) != 4:
            raise ValueError(f"{label} must be a real date, for example 27 3 2026")
        try:
            self.data = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise ValueError(f"{label} must be a real date, for example 27 3 2026") from None

    def pre_validate(self, form: Any) -> None:
        if self.required_message and self.data is None and not self.process_errors:
            raise ValidationError(self.required_message)


def _number(form: Any, field: Field) -> None:
    text = (field.data or "").strip()
    if not text:
        return
    try:
        value = float(text)
    except ValueError:
        raise ValidationError(f"{field.label.text} must be a number, like 2 or 0.5") from None
    if value < 0 or value != value:
        raise ValidationError(f"{field.label.text} must be 0 or more")


def _url(form: Any, field: Field) -> None:
    text = (field.data or "").strip()
    if text and not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", text):
        raise ValidationError(
            f"Enter {field.label.text.lower()} in the right format, like https://board.example/reports/child-a"
        )


YES_NO = (("yes", "Yes"), ("no", "No"))
#: Checks a widget's text needs beyond its length, by field kind.
CHECKS: dict[FieldKind, list[Any]] = {FieldKind.AMOUNT: [_number], FieldKind.URL: [_url]}


def widget_field(
    spec: FieldSpec, label: str, hint: str = "", required: str = "", too_long: str = ""
) -> Field:
    """An unbound WTForms field that asks ``spec`` with the widget the table of field kinds
    names for it; ``required`` is the message when empty, ``too_long`` when over its length."""
    first: list[Any] = [InputRequired(required)] if required else [Optional()]
    widget = widget_of(spec)
    if widget is Widget.DATE_INPUT:
        return GovDateField(label, description=hint, required=required)
    if widget is Widget.CHECKBOX:
        return BooleanField(label, widget=CheckboxInput(), description=hint)
    if widget is Widget.RADIOS:
        choices = options(spec.choices or YES_NO)
        return RadioField(label, first, choices=choices, widget=RadioInput(), description=hint)
    if widget is Widget.CHECKBOXES:
        return SelectMultipleField(
            label, choices=[], widget=GovCheckboxesInput(), validate_choice=False
        )
    if widget is Widget.SELECT:
        return SelectField(
            label, first, choices=[], widget=GovSelect(), validate_choice=False, description=hint
        )
    length = Length(max=spec.max_length or MAX_LONG, message=too_long)
    checks = [*first, length, *CHECKS.get(spec.kind, [])]
    if widget is Widget.TEXT_AREA:
        return TextAreaField(label, checks, widget=GovTextArea(), description=hint)
    return StringField(label, checks, widget=GovTextInput(), description=hint)


def layout_of(spec: FieldSpec) -> str:
    """How a page lays the field out: in a fieldset, as a text area, a checkbox or plain."""
    widget = widget_of(spec)
    if widget in (Widget.DATE_INPUT, Widget.RADIOS, Widget.CHECKBOXES):
        return "fieldset"
    if widget is Widget.TEXT_AREA:
        return "textarea"
    return "checkbox" if widget is Widget.CHECKBOX else "plain"


def field_for(spec: Spec, required: str = "") -> Field:
    """An unbound WTForms field that asks ``spec``; ``required`` is the message when empty."""
    too_long = f"{spec.label} must be {MAX_LONG:,} characters or fewer"
    return widget_field(spec.field, spec.label, spec.hint, required, too_long)


def form_value(spec: Spec, value: Any) -> Any:
    """A stored value as its form field wants it."""
    return fields.to_form(spec.field, value)


def stored_value(spec: Spec, field: Field) -> Any:
    """What a submitted field stores (None removes the key)."""
    return fields.to_json(spec.field, fields.from_form(spec.field, field.data))


class PageForm(FlaskForm):  # type: ignore[misc]  # flask-wtf ships no type hints
    """The base of every page form: Flask-WTF's, with its CSRF field."""


# -- sign in and out ------------------------------------------------------------------------


class SignInForm(PageForm):
    name = StringField(
        "Name",
        [
            InputRequired("Enter your name"),
            Length(max=120, message="Your name must be 120 characters or fewer"),
        ],
        widget=GovTextInput(),
    )
    password = PasswordField(
        "Password",
        [
            InputRequired("Enter your password"),
            Length(max=500, message="Your password must be 500 characters or fewer"),
        ],
        widget=GovPasswordInput(),
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class SignOutForm(PageForm):
    """Signing out is a POST with the CSRF token, so another site cannot sign a person out."""


# -- case data ------------------------------------------------------------------------------


class VersionedForm(PageForm):
    """Every change to a case says which version it was made on, so a change made by someone
    else in between is reported instead of overwritten."""

    expected_version = HiddenField()

    def version(self) -> int | None:
        try:
            return int(self.expected_version.data)
        except (TypeError, ValueError):
            return None


def group_form(
    group: Group, data: Mapping[str, Any], version: int, formdata: Any = None
) -> VersionedForm:
    """The form that records ``group``: prefilled from ``data`` unless ``formdata`` is given."""
    attrs: dict[str, Any] = {spec.name: field_for(spec) for spec in group.fields}
    cls = type(f"{group.id.title()}Form", (VersionedForm,), attrs)
    initial = {spec.name: form_value(spec, lookup(data, spec.path)) for spec in group.fields}
    initial["expected_version"] = str(version)
    form: VersionedForm = cls(formdata=formdata, data=initial)
    return form


def group_values(group: Group, form: Any, shown: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What each field of the submitted form stores, by path. With ``shown`` (the data the
    form was filled from), a field sent as it was shown is left out, so saving a form unchanged
    changes nothing, even a value the widget cannot show exactly (a table, a list of numbers)."""
    values: dict[str, Any] = {}
    for spec in group.fields:
        value = stored_value(spec, form[spec.name])
        if shown is not None and value == _as_shown(spec, shown):
            continue
        values[spec.path] = value
    return values


def _as_shown(spec: Spec, data: Mapping[str, Any]) -> Any:
    """What the field stores when sent back exactly as it was filled from ``data``."""
    return fields.to_json(
        spec.field, fields.from_form(spec.field, form_value(spec, lookup(data, spec.path)))
    )


# -- steps ----------------------------------------------------------------------------------


class StepForm(VersionedForm):
    note = TextAreaField(
        "Note for the case record (optional)",
        [Length(max=MAX_LONG, message=f"The note must be {MAX_LONG:,} characters or fewer")],
        widget=GovTextArea(),
    )


def step_form(
    trigger: str,
    date_specs: Iterable[Spec],
    version: int,
    formdata: Any = None,
) -> StepForm:
    """The form of one step: a note, and the dates the step records (empty means today)."""
    specs = list(date_specs)
    attrs: dict[str, Any] = {}
    for spec in specs:
        attrs[spec.name] = GovDateField(spec.label, description="Leave empty for today.")
    cls = type("StepFormFor", (StepForm,), attrs)
    form: StepForm = cls(
        formdata=formdata, prefix=f"step-{trigger}", data={"expected_version": str(version)}
    )
    form.date_specs = specs
    return form


# -- opening a case -------------------------------------------------------------------------


class OpenCaseForm(PageForm):
    title = StringField(
        "Title",
        [
            InputRequired("Enter a title for the case, for example Child A"),
            Length(max=MAX_TEXT, message=f"The title must be {MAX_TEXT} characters or fewer"),
        ],
        widget=GovTextInput(),
        description="A name that does not identify the child, for example Child A.",
    )
    linked_from = HiddenField()


def open_form(
    specs: Iterable[Spec],
    required: Iterable[str] = (),
    formdata: Any = None,
    data: Mapping[str, Any] | None = None,
) -> OpenCaseForm:
    """The form to open a case: its title, and each piece of data the review type needs first
    (the keys in ``required`` must be given)."""
    attrs: dict[str, Any] = {}
    specs = list(specs)
    must = set(required)
    for spec in specs:
        message = f"Enter the {spec.label[0].lower() + spec.label[1:]}" if spec.path in must else ""
        attrs[f"data__{spec.name}"] = field_for(spec, message)
    cls = type("OpenFormFor", (OpenCaseForm,), attrs)
    form: OpenCaseForm = cls(formdata=formdata, data=dict(data or {}))
    form.specs = specs
    return form


class AcknowledgeForm(PageForm):
    """Acknowledging an escalation: a button and its CSRF token."""


class FilterForm(Form):  # type: ignore[misc, unused-ignore]
    """The dashboard's filters: a GET form that changes nothing, so it needs no CSRF token."""

    review_type = SelectField(
        "Review type",
        choices=options([("", "All review types")]),
        widget=GovSelect(),
        validate_choice=False,
    )
    state = SelectField(
        "Stage", choices=options([("", "All stages")]), widget=GovSelect(), validate_choice=False
    )
    agency = StringField(
        "Agency",
        [Length(max=MAX_TEXT, message=f"The agency must be {MAX_TEXT} characters or fewer")],
        widget=GovTextInput(),
    )


class FindCaseForm(Form):  # type: ignore[misc, unused-ignore]
    reference = StringField(
        "Find a case by its reference",
        [Length(max=40, message="A reference is 40 characters or fewer")],
        widget=GovTextInput(),
        description="For example NI-2026-3F2A1B.",
    )
