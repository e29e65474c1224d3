"""Machine observers: frozen ImageNet classifiers used as a loss and as judges."""

from odic.observers.timm_observers import (
    FeatureObserver,
    create_observer,
    list_observers,
)

__all__ = ["FeatureObserver", "create_observer", "list_observers"]
