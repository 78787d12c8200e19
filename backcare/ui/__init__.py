"""Widget views over backcare's models. Each app is an ipywidgets box: build it, show it."""
