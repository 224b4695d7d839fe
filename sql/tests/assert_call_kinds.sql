-- Only calls are in marts.calls.
select item_id, call_kind
from {{ ref('calls') }}
where call_kind not in ('telephone call', 'video call')
