"""Interface strings, one module per area; merged by :mod:`afus.i18n`."""
