-- The newest version is found on the narrow key columns, then joined back to the full rows:
-- a window over the full texts held every text in memory at once (1.65 GB at 100,000
-- items, past DuckDB's 1 GB limit).
with newest as (
    select source, item_id, max(version) as version
    from {{ ref('stg_item_versions') }}
    group by source, item_id
)

select v.*
from {{ ref('stg_item_versions') }} as v
inner join newest as n
    on n.source = v.source and n.item_id = v.item_id and n.version = v.version
