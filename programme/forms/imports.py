"""The upload of a file of participants for one site (programme.imports)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import FileFormat, Kind, ReferralChannel, Round
from ..models.imports import MAX_IMPORT_BYTES


class ImportUploadForm(forms.Form):
    round = forms.ModelChoiceField(
        label=_("Round"),
        queryset=Round.objects.none(),
        help_text=_("Everyone in the file joins this round."),
    )
    default_kind = forms.ChoiceField(
        label=_("Role where the file gives none"),
        required=False,
        choices=[("", _("None: the file has a role for everyone")), *Kind.choices],
    )
    default_channel = forms.ChoiceField(
        label=_("Referral channel where the file gives none"),
        required=False,
        choices=[("", _("None: the file has a channel for everyone")), *ReferralChannel.choices],
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV or XLSX, with the template's column headers in the first row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        rounds = Round.objects.filter(site=site)
        self.fields["round"].queryset = rounds
        self.fields["round"].initial = Round.objects.current_for_site(site)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if FileFormat.of(upload.name) is None:
            raise forms.ValidationError(_("Choose a CSV or XLSX file."))
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB. Split it into smaller files.")
                % {"size": MAX_IMPORT_BYTES // (1024 * 1024)}
            )
        return upload

    @property
    def file_format(self) -> str:
        return FileFormat.of(self.cleaned_data["file"].name) or ""
