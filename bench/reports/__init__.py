"""Reports: tables, plots and HTML pages made from result folders."""
