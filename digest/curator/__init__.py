"""The curator's tools: commands that write or check a site's own files (`digest init`, `digest check`)."""
