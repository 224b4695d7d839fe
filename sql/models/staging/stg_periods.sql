-- Named date splits for period comparisons (reference/periods.csv), e.g. before and
-- from 24 February 2022. Add rows to compare other periods.
select
    period_set,
    period,
    cast(start_date as date) as start_date,
    cast(end_date as date) as end_date
from {{ ref('periods') }}
