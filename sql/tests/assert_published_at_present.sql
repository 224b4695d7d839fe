-- Every loaded version has a true publication instant and a local date.
select source, item_id, published_raw
from {{ ref('stg_item_versions') }}
where published_at is null or published_date_local is null
