-- Every counterpart row belongs to a call in marts.calls.
select p.source, p.item_id
from {{ ref('call_counterparts') }} as p
anti join {{ ref('calls') }} as c on c.source = p.source and c.item_id = p.item_id
