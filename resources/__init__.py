"""Plain files shipped with the workbench: the demo tender, templates, fonts, icons, styles."""
