-- The seed's heatmap, as the live ranking (GET /api/v1/cells) computes it: per cell, the distinct
-- subscribers with incidents in the last 24 hours (the tile's area), the answers about the cell and
-- their change in sentiment (its colour), ranked by priority =
-- subscribers × (1 + |mean change in sentiment|). Standard SQL: runs on Athena and on DuckDB.
WITH affected AS (
    SELECT cell, COUNT(DISTINCT msisdn) AS subscribers, COUNT(*) AS incidents
    FROM incidents
    WHERE ts > CURRENT_TIMESTAMP - INTERVAL '1' DAY
    GROUP BY cell
),
answered AS (
    SELECT cell, COUNT(*) AS feedback, SUM(change_sentiment) AS change_sentiment
    FROM sentiment
    GROUP BY cell
)
SELECT
    a.cell,
    a.subscribers,
    a.incidents,
    COALESCE(s.feedback, 0) AS feedback,
    COALESCE(s.change_sentiment, 0) AS change_sentiment,
    a.subscribers * (1 + GREATEST(0.0, -COALESCE(CAST(s.change_sentiment AS DOUBLE) / s.feedback, 0.0))) AS priority
FROM affected AS a
LEFT JOIN answered AS s ON s.cell = a.cell
ORDER BY priority DESC, subscribers DESC, cell
