-- initiated_by is 'russia', 'counterpart' or NULL, and has evidence when set.
select item_id, initiated_by, initiative_evidence
from {{ ref('calls') }}
where (initiated_by is not null and initiated_by not in ('russia', 'counterpart'))
   or (initiated_by is not null and initiative_evidence is null)
