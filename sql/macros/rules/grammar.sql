{#- The fixed grammar around the rules in the seeds (documented in sql/seeds/README.md).
    Block bodies are taken literally: the backslashes are the regular expressions' own. -#}

{#- Each descriptor may follow adverbs or intensifiers ("a traditionally warm and
    friendly", "an extremely frank"); in Russian lemma text ("в традиционно дружественном
    ключе"), the same intensifiers' lemmas. -#}
{%- macro rule_adverb() -%}
(?:(?:very|highly|quite|extremely|most|truly|really|rather|fairly|so|genuinely|especially|particularly|[a-z]+ly|очень|весьма|крайне|вполне|традиционно|подчеркнуто|исключительно)\s+)
{%- endmacro -%}

{#- Descriptors in a list are joined by commas, "and", "but" or "yet" (Russian "и", "но"). -#}
{%- macro rule_separator() -%}
(?:\s*,\s*(?:and\s+|but\s+|yet\s+|и\s+|но\s+)?|\s+(?:and|but|yet|и|но)\s+)
{%- endmacro -%}

{%- macro rule_word_boundary() -%}
\b
{%- endmacro -%}

{#- RE2's \b knows ASCII letters only: around words in other scripts (Russian lemmas), a
    boundary is the start, the end, or a character that is no letter or digit. It takes that
    character into the match; evidence positions skip it (macros/evidence_span.sql). -#}
{%- macro rule_word_start(variants) -%}
{%- if modules.re.search("[^\x00-\x7f]", variants) -%}(?:^|[^\pL\pN])
{%- else -%}{{ rule_word_boundary() }}{%- endif -%}
{%- endmacro -%}

{%- macro rule_word_end(variants) -%}
{%- if modules.re.search("[^\x00-\x7f]", variants) -%}(?:$|[^\pL\pN])
{%- else -%}{{ rule_word_boundary() }}{%- endif -%}
{%- endmacro -%}

{#- A greeting runs to the end of its clause: the next "and <verb>", ";", "." or the end. -#}
{%- macro rule_greeting_clause_end() -%}
[^.;]*?(?:\s+and\s+(?:\S+\s+){0,3}?(?:reaffirmed|discussed|noted|agreed|confirmed|expressed|praised|stressed|emphasised)\b|[.;]|$)
{%- endmacro -%}

{#- What a signal's {party} slot takes: the next words (up to ten), whose beginning the models
    compare with the names of the call's two sides (int_call_parties). -#}
{%- macro rule_party_slot() -%}
\S+(?:\s+\S+){0,9}
{%- endmacro -%}

{#- Words a party's name may follow in a {party} slot: determiners, and up to three capitalised
    words of a title ("Russian President Putin", "Prime Minister Kishida"). -#}
{%- macro rule_party_lead() -%}
^(?:(?i:the|a|an|this|that|its|his|her|their|our|both|also|again|strongly|firmly|publicly|directly)\s+)*(?:[A-Z][\w.-]*\s+){0,3}?
{%- endmacro -%}

{#- Words that name the other side of the call whoever it is. -#}
{%- macro rule_party_generic() -%}
(?i:him|her|his\s+counterpart|her\s+counterpart|the\s+other\s+side|each\s+other)
{%- endmacro -%}

{#- A pattern that matches nothing, for a rule the seeds leave out. -#}
{%- macro rule_never() -%}
[^\s\S]
{%- endmacro -%}

{%- macro rule_leading_flags() -%}
^\(\?[a-zA-Z]+\)
{%- endmacro -%}
