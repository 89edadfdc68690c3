-- Fixed-window counters for rate limits, in the database so every portal
-- process behind a load balancer counts the same attempts.
CREATE TABLE rate_limit (
    bucket TEXT PRIMARY KEY NOT NULL,
    window_start INTEGER NOT NULL,
    hits INTEGER NOT NULL
);
