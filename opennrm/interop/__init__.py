"""HTCDS 2.0 in and out: importing the files organizations keep, exporting what others need."""
