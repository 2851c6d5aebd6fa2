#!/usr/bin/env python3
"""Checks a translated .ts file: counts unfinished and obsolete entries and compares, for every
message, the placeholders (%1..%99, %n, %Ln), the number of & accelerators, the HTML tags and a
trailing "…" of the source with its translation, and that a message with %n is a plural one. Exit
status 1 when anything differs.

    translations/check_ts.py translations/tenantdesk_fr.ts
"""
import re
import sys
import xml.etree.ElementTree as ET

PLACEHOLDER = re.compile(r'%L?(?:n|\d{1,2})')
TAG = re.compile(r'</?([a-zA-Z]+)[^>]*>')


def accelerators(text):
    return len(re.findall(r'&(?!&)(?=\S)', text.replace('&&', ''))) if text else 0


def main(path):
    root = ET.parse(path).getroot()
    total = unfinished = obsolete = 0
    problems = []
    for context in root.iter('context'):
        name = context.findtext('name')
        for message in context.iter('message'):
            total += 1
            source = message.findtext('source') or ''
            translation = message.find('translation')
            kind = translation.get('type')
            if kind == 'unfinished':
                unfinished += 1
                continue
            if kind in ('obsolete', 'vanished'):
                obsolete += 1
                continue
            forms = [f.text or '' for f in translation.iter('numerusform')] or [translation.text or '']
            if re.search(r'%L?n', source) and message.get('numerus') != 'yes':
                # tr("… %n …", n) through a helper that lupdate reads as (source, comment): Qt then
                # finds a translation only for the singular and shows English for 2, 3, ...
                problems.append(f'{name}: "{source}": %n in a message that is not plural (numerus); '
                                'call tr(text, nullptr, n)')
            if message.get('numerus') == 'yes' and len(forms) != 2:
                problems.append(f'{name}: "{source}": {len(forms)} plural forms, French has 2')
            for form in forms:
                if sorted(set(PLACEHOLDER.findall(source))) != sorted(set(PLACEHOLDER.findall(form))):
                    problems.append(f'{name}: "{source}": placeholders differ in "{form}"')
                if accelerators(source) != accelerators(form):
                    problems.append(f'{name}: "{source}": accelerators differ in "{form}"')
                if sorted(TAG.findall(source)) != sorted(TAG.findall(form)):
                    problems.append(f'{name}: "{source}": HTML tags differ in "{form}"')
                if source.endswith('…') != form.endswith('…'):
                    problems.append(f'{name}: "{source}": trailing … differs in "{form}"')
    for p in problems:
        print(p)
    print(f'{path}: {total} messages, {unfinished} unfinished, {obsolete} obsolete, {len(problems)} problems')
    return 1 if unfinished or obsolete or problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
