"""REST API v1 for client applications (quiz players, LMS integrations).

`urls` lists the endpoints; `views` and `delivery` are thin: every change goes
through `quizzes.operations`, every content rule lives in
`quizzes.validation`, grading in `quizzes.scoring`. Errors leave as
`application/problem+json` (`exceptions`), and JSON bodies are checked by
`parsers` before anything reads them.
"""
