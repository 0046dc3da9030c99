"""The curator's tools: commands that write a site's own files (`digest init`)."""
