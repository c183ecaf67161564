"""From logs of many runs to leaderboards, comparisons and the command line."""
