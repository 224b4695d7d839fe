select *
from {{ ref('stg_item_versions') }}
qualify version = max(version) over (partition by source, item_id)
