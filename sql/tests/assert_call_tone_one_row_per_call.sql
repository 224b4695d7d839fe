-- marts.call_tone has exactly one row for every call.
select c.source, c.item_id
from {{ ref('calls') }} as c
left join {{ ref('call_tone') }} as t on t.source = c.source and t.item_id = c.item_id
group by all
having count(t.item_id) != 1
