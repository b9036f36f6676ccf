"""Operations on programme records that keep the database and the engine in step.

The API routes and the web pages both call these, so rules, audit rows and company
isolation are identical wherever a change comes from.
"""
