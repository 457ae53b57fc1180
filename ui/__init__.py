"""The workbench's Qt user interface: thin views over the `workbench` core."""
