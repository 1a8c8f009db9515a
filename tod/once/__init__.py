"""A form submitted twice stores once: one-time submission tokens for the create views.

Every create form carries a hidden `submission_token` (`{% submission_token %}` from the `once`
template library, next to `{% csrf_token %}`), and its view is decorated with
`once_per_submission`. The decorator claims the token — a row with a unique (token, data)
constraint, inserted in the same transaction as whatever the view creates — before the view
runs. The same form posted again (the back button, a double tap, a retry after a lost
connection, even two requests at the same instant: the database's unique index makes the second
wait for the first and then fail) creates nothing: it is sent to what the first post led to,
with the message "Already saved".

- A post without a token (an old page, a script, the form fuzzer) is a new submission, as
  before; so is a token that is not a UUID.
- A claim is kept only when the view saved something: a redirect without an error message. A
  form shown again with its errors releases its claim, so the corrected form (same token) is
  saved.
- The data is part of the claim: a form changed after it was saved (the back button, then an
  edit) is a new submission, so nothing typed is lost.
"""
