"""住房公积金 housing provident fund: accounts, deposits, deferrals, loans and withdrawals."""
