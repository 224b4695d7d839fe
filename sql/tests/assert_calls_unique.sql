-- Each call readout appears once.
select source, item_id, count(*) as rows
from {{ ref('calls') }}
group by all
having count(*) > 1
