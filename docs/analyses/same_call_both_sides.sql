-- How each capital described the same call: every call between the Kremlin's and the White
-- House's leaders, side by side (side a is the Kremlin, side b the White House), and the
-- calls only one side reported, which are findings too.
select
    call_date,
    leaders,
    reported_by,
    a_descriptors as kremlin_descriptors,
    a_signals as kremlin_signals,
    b_descriptors as white_house_descriptors,
    b_signals as white_house_signals,
    days_apart
from marts.call_pairs
order by call_date, pair_id
