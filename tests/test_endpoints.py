"""The endpoint catalogue (``ocrframe.endpoints``) names what the engines offer without
importing them: its names must be the engines' own."""

from __future__ import annotations

from ocrframe import endpoints, engines


def test_the_engine_names_are_the_registered_engines():
    assert tuple(engines.names()) == endpoints.ENGINES


def test_the_model_names_are_the_local_engines_models():
    from ocrframe.engines import local

    assert tuple(local.MODELS) == endpoints.MODELS  # the same names, the default first
    assert all(model.name == name for name, model in local.MODELS.items())
    assert local.DEFAULT_MODEL is endpoints.DEFAULT_MODEL == endpoints.MODELS[0]
