-- Every counterpart resolves to an ISO country code or to an organisation.
select item_id, counterpart_name, country_code, organisation
from marts.call_counterparts
where (country_code is null and organisation is null)
   or (country_code is not null and not regexp_full_match(country_code, '[A-Z]{2}'))
