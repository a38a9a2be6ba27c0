from django import forms

from izana.forms import izanaFormMeta, izanaFormMixin


class ContactForm(izanaFormMixin, forms.Form):
    izana = izanaFormMeta(name="contact", title="Contact us", submit_label="Send")

    name = forms.CharField(max_length=20, help_text="Your name")
    email = forms.EmailField()
    topic = forms.ChoiceField(choices=[("sales", "Sales"), ("support", "Support")], initial="support")
    age = forms.IntegerField(required=False, min_value=18)
    message = forms.CharField(widget=forms.Textarea, required=False)

    def on_submit_success(self, request):
        return {"received": self.cleaned_data["name"], "topic": self.cleaned_data["topic"]}
