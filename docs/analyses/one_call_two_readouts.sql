-- The same call seen from both capitals (marts.call_pairs): each side's descriptors and
-- signals side by side, and the calls only one side reported.
select
    call_date,
    leaders,
    reported_by,
    a_item_id as kremlin_item,
    a_descriptors as kremlin_descriptors,
    a_signals as kremlin_signals,
    b_signals as whitehouse_signals
from marts.call_pairs
order by call_date, pair_id
