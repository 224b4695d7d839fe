-- A call readout always names at least one counterpart.
select source, item_id, title
from {{ ref('calls') }}
where counterpart_count < 1
