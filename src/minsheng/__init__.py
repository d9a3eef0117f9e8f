"""minsheng (民生): the software that runs a region's livelihood-security system."""

__version__ = "0.1.0"
