-- Which counterparts initiate their calls with Moscow, and which calls Moscow initiates
-- (the Kremlin's readouts: the White House never says).
select
    p.counterpart_key,
    p.counterpart_name,
    count(distinct c.item_id) as calls,
    count(distinct c.item_id) filter (where c.initiated_by = 'counterpart') as by_counterpart,
    count(distinct c.item_id) filter (where c.initiated_by = 'own_side') as by_russia,
    count(distinct c.item_id) filter (where c.initiated_by is null) as not_stated
from marts.calls as c
join marts.call_counterparts as p using (source, item_id)
where p.counterpart_key is not null and c.source = 'kremlin'
group by all
order by calls desc, counterpart_key
