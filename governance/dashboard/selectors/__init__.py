"""Reads of the executive dashboard, one module per concern:

- `filters`: the filtered, visible initiatives every figure counts;
- `portfolio`: the heat map and table (and the CSV rows);
- `figures`: the funnel, time in partnership, partnership health, what blocks;
- `drilldowns`: the rows behind each number, with the figure's own criteria.
"""
