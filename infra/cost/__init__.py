"""The ``spendwise-cost`` estimator (``spendwise_cost.py``) and its price file (``prices.toml``)."""
