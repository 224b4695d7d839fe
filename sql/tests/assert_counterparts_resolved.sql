-- A country code is ISO 3166-1 alpha-2; a counterpart with neither a country nor an
-- organisation (unresolved: reference data lacks it) is listed in marts.review_queue.
select p.item_id, p.person_name, p.country_code, p.organisation
from {{ ref('call_counterparts') }} as p
where (p.country_code is not null and not regexp_full_match(p.country_code, '[A-Z]{2}'))
   or (
       p.country_code is null and p.organisation is null
       and not exists (
           select 1 from {{ ref('review_queue') }} as r
           where r.source = p.source and r.item_id = p.item_id
             and r.review_reason = 'unresolved_counterpart'
       )
   )
