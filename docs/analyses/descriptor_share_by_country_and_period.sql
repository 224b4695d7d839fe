-- The share of the Kremlin's call readouts that describe the conversation with any tone
-- descriptor, by counterpart, before and from 24 February 2022 (the split is
-- sql/seeds/periods.csv). Another source: change `source`.
select
    period,
    counterpart_key,
    counterpart_name,
    calls,
    calls_with_descriptor,
    share_with_descriptor,
    descriptors_used
from marts.tone_by_country_period
where period_set = 'invasion_2022' and source = 'kremlin'
order by start_date, calls desc, counterpart_key
