select frame, description, pattern
from {{ ref('tone_frames') }}
