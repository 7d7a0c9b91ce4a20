"""文书: generated documents (PDF, content-addressed and versioned), LRMX files, notifications and reminders,
and the working-day calendar.

Public for other apps: ``services`` (writes: ``campaign_document_generate``, ``approval_forms_request``,
``notification_create`` …), ``selectors``, ``models``, and three modules of plain functions and data:
``campaign_docs`` (the data classes of each campaign document), ``reminders`` (``register`` a reminder
source, ``Reminder``) and ``workdays`` (工作日 arithmetic with the 放假安排). Background work runs in ``tasks``,
which services start by task name (``core.jobs``), never by importing it.
"""
