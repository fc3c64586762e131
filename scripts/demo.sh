#!/bin/sh
# Create (once) a demo ISMS of a fictional mid-sized company and show it with a
# short tour of the CLI. Usage: scripts/demo.sh PATH-TO-ISMS DEMO-DB
# Running it again reuses the existing demo database.
set -eu
ISMS=$1
DB=$2
export ISMS_DB="$DB"
export ISMS_ACTOR="admin"  # the demo's administrator makes every change

say() { printf '\n$ isms %s\n' "$*"; "$ISMS" "$@"; }

PASSWORD=""
if [ ! -f "$DB" ]; then
    # The administrator's password: random, printed once below (only its hash is kept).
    PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=' | cut -c 1-16)
    printf '%s\n' "$PASSWORD" |
        "$ISMS" init --org "Brightwater Logistics GmbH" --admin admin --password-stdin >/dev/null
    i() { "$ISMS" "$@" >/dev/null; }
    # A person's id, as `isms person add` prints it.
    person() { "$ISMS" person add "$@"; }
    mail() { printf '%s@brightwater-logistics.example' "$1"; }

    # 5.3 People: who owns what. Top management directs the company; the ISMS manager
    # runs the ISMS for it. Most of them will never log in.
    CEO=$(person --name "Dr. Katharina Berger" --job-title "Chief Executive Officer" \
        --department "Management" --top-management true --email "$(mail katharina.berger)")
    CFO=$(person --name "Markus Brandt" --job-title "Chief Financial Officer" \
        --department "Finance" --top-management true --manager "$CEO" --email "$(mail markus.brandt)")
    COO=$(person --name "Stefan Hofmann" --job-title "Chief Operating Officer" \
        --department "Operations" --top-management true --manager "$CEO" \
        --email "$(mail stefan.hofmann)")
    CISO=$(person --name "Lena Vogt" --job-title "Information Security Manager (CISO)" \
        --department "Information security" --top-management false --manager "$CEO" \
        --email "$(mail lena.vogt)")
    IT=$(person --name "Tobias Klein" --job-title "Head of IT" --department "IT" \
        --top-management false --manager "$COO" --email "$(mail tobias.klein)")
    HR=$(person --name "Aylin Kaya" --job-title "Head of Human Resources" \
        --department "Human resources" --top-management false --manager "$CEO" \
        --email "$(mail aylin.kaya)")
    SALES=$(person --name "Jonas Weber" --job-title "Head of Sales and Key Accounts" \
        --department "Sales" --top-management false --manager "$CEO" --email "$(mail jonas.weber)")
    DPO=$(person --name "Dr. Sabine Roth" --job-title "Legal Counsel and Data Protection Officer" \
        --department "Legal and data protection" --top-management false --manager "$CEO" \
        --email "$(mail sabine.roth)")
    ITOPS=$(person --name "Emre Yilmaz" --job-title "IT Operations Lead" --department "IT" \
        --top-management false --manager "$IT" --email "$(mail emre.yilmaz)")
    HUB=$(person --name "Julia Neumann" --job-title "Site Manager, Hamburg hub" \
        --department "Operations" --top-management false --manager "$COO" \
        --email "$(mail julia.neumann)")
    i person add --name "Piotr Nowak" --job-title "Warehouse Manager, Duisburg" \
        --department "Operations" --top-management false --manager "$COO" \
        --email "$(mail piotr.nowak)"
    BUY=$(person --name "Claudia Lange" --job-title "Procurement Manager" \
        --department "Procurement" --top-management false --manager "$CFO" \
        --email "$(mail claudia.lange)")
    # The administrator is the CISO: the user's person is who they are in the company.
    i user set admin --person "$CISO"

    # 4.1 Context issues
    i context-issue add --title "NIS2 brings freight forwarding under national cyber law" \
        --origin external --category regulatory --owner "$CISO" --review-date 2027-03-31 \
        --description "The national NIS2 implementation lists logistics as an important sector." \
        --effect "Raises the bar for incident reporting and supplier security."
    i context-issue add --title "Customers demand ISO/IEC 27001 certification in tenders" \
        --origin external --category competitive --owner "$SALES" --review-date 2027-01-15 \
        --effect "Certification decides whether we may bid for large retail contracts."
    i context-issue add --title "Ransomware attacks on ports and carriers" --origin external \
        --category technological --owner "$CISO" --status monitored \
        --effect "Outages of partner systems stop shipments; our own systems are a target."
    i context-issue add --title "Heavy rain and floods at the Hamburg hub" --origin external \
        --category environmental --climate-related true --owner "$HUB" \
        --review-date 2027-06-30 \
        --effect "The data room sits on the ground floor of a site in a flood zone."
    i context-issue add --title "Warehouse staff turnover above 20 % a year" --origin internal \
        --category organizational --owner "$HR" \
        --effect "Awareness training must reach many new people quickly."
    i context-issue add --title "Legacy transport management system on premises" \
        --origin internal --category technological --owner "$IT" \
        --effect "Patching is slow; the vendor's support ends in 2028."
    i context-issue add --title "Cloud-first strategy for office IT" --origin internal \
        --category strategic --owner "$IT" --status open
    i context-issue add --title "Open reporting culture after the 2025 phishing incident" \
        --origin internal --category cultural --owner "$CISO" --status closed

    i climate-decision add --title "Climate change relevance, 2026" --relevant true \
        --decided-by "Management board" --decided-on 2026-02-10 \
        --reasoning "Floods threaten the Hamburg hub and heat waves the Duisburg warehouse; both affect availability of information and systems."

    # 4.2 Interested parties and requirements
    i interested-party add --title "Retail customers" --category customer --origin external \
        --owner "$SALES" --expectations "Shipment data kept confidential and available around the clock."
    i interested-party add --title "Federal Office for Information Security (BSI)" \
        --category authority --origin external --owner "$CISO"
    i interested-party add --title "Employees and works council" --category employee \
        --origin internal --owner "$HR"
    i interested-party add --title "Cloud and hosting providers" --category supplier \
        --origin external --owner "$IT"
    i interested-party add --title "Cyber insurer" --category insurer --origin external \
        --owner "$CFO"
    i interested-party add --title "Shareholders" --category shareholder --origin external \
        --owner "$CEO"

    i requirement add --title "Report significant incidents within 24 hours" --party IP-2 \
        --type legal --source "NIS2 implementation act, section 32" --addressed yes \
        --how-addressed "Incident procedure with an on-call reporting duty." --owner "$CISO"
    i requirement add --title "Protect personal data of consignees" --party IP-1 --type legal \
        --source "GDPR Art. 32" --addressed yes --owner "$DPO" \
        --how-addressed "Access control and encryption of the TMS database."
    i requirement add --title "ISO/IEC 27001 certificate by end of 2027" --party IP-1 \
        --type contractual --source "Framework agreement with MegaMart, clause 14" \
        --addressed partly --how-addressed "ISMS being established; audit planned for Q3 2027." \
        --reason-not-addressed "Certification audit not yet held." --review-date 2027-09-30 \
        --owner "$CISO"
    i requirement add --title "Multi-factor authentication for remote access" --party IP-5 \
        --type contractual --source "Cyber policy 2026, annex B" --addressed partly \
        --how-addressed "MFA on VPN and email." --owner "$ITOPS" \
        --reason-not-addressed "Warehouse terminals still use passwords only."
    i requirement add --title "Co-determination on monitoring of employees" --party IP-3 \
        --type legal --source "Works Constitution Act, section 87" --addressed yes \
        --how-addressed "Logging concept agreed with the works council." --owner "$DPO"
    i requirement add --title "Climate risk disclosure in the annual report" --party IP-6 \
        --type regulatory --source "CSRD" --addressed no --climate-related true \
        --reason-not-addressed "Handled by the sustainability team outside the ISMS." --owner "$CFO"
    i requirement add --title "Shared responsibility model followed" --party IP-4 \
        --type contractual --addressed yes --how-addressed "Cloud security baseline per provider." \
        --owner "$IT"

    # 4.3 Scope
    i scope-item add --title "Hamburg headquarters and hub" --type site --inclusion included \
        --description "Offices, data room and cross-dock warehouse."
    i scope-item add --title "Duisburg warehouse" --type site --inclusion included
    i scope-item add --title "Freight forwarding service" --type service --inclusion included \
        --interfaces "EDI links with carriers and customs." \
        --dependencies "Carriers' track-and-trace platforms."
    i scope-item add --title "Transport management system" --type technology --inclusion included
    i scope-item add --title "Canteen operated by a contractor" --type organizational_unit \
        --inclusion excluded --justification "Handles no information of the ISMS; separate contract."
    i scope-item add --title "Polish subsidiary" --type organizational_unit --inclusion excluded \
        --justification "Separate legal entity with its own IT; planned for the 2028 scope extension."

    # 4.4 ISMS processes
    i process add --title "Risk management" --owner "$CISO" --status operating \
        --purpose "Identify, assess and treat information security risks."
    i process add --title "Incident management" --owner "$IT" --status operating \
        --interacts-with PRC-1
    i process add --title "Supplier management" --owner "$BUY" --status operating \
        --interacts-with PRC-1,PRC-2
    i process add --title "Internal audit" --owner "$CFO" --status planned \
        --externally-provided true --provider "Audit partner Nord GmbH"
    i process add --title "Awareness and training" --owner "$HR" --status operating
    # 6.1.2 Assets, scored on the impact scale of the risk method `isms init` wrote (RM-1, 5 x 5).
    i asset add --title "Transport management system (TMS)" --type software --owner "$IT" \
        --location "Hamburg data room" --confidentiality 4 --integrity 4 --availability 5 \
        --processes PRC-2
    i asset add --title "Consignee address data" --type information --owner "$DPO" \
        --confidentiality 4 --integrity 3 --availability 3
    i asset add --title "Hamburg data room" --type site --owner "$HUB" \
        --location "Hamburg hub, ground floor" --confidentiality 3 --integrity 3 --availability 5
    i asset add --title "Office 365 tenant" --type service --owner "$ITOPS" \
        --confidentiality 4 --integrity 3 --availability 4
    i asset add --title "Warehouse handheld scanners" --type hardware --owner "$HUB" \
        --confidentiality 2 --integrity 3 --availability 4
    i asset add --title "Dispatch team" --type people --owner "$COO" \
        --confidentiality 3 --integrity 3 --availability 4

    # 6.1.2 / 8.2 Risks: likelihood and impact now, and after the planned treatment.
    i risk add --title "Ransomware encrypts the TMS" --owner "$IT" --assets AST-1 \
        --threat "Ransomware gang" --vulnerability "Slow patching of the legacy TMS" \
        --integrity true --availability true --likelihood 4 --impact 5 \
        --treatment modify --controls "8.7, 8.8, 8.13" --residual-likelihood 2 \
        --residual-impact 4 --status treating
    i risk add --title "Consignee data leaked through a compromised mailbox" --owner "$DPO" \
        --assets AST-2,AST-4 --threat "Phishing" --vulnerability "MFA not enforced everywhere" \
        --confidentiality true --likelihood 3 --impact 4 --treatment modify \
        --controls "5.17, 8.5" --residual-likelihood 2 --residual-impact 3 --status treating
    i risk add --title "Flood takes the Hamburg data room offline" --owner "$HUB" \
        --assets AST-3,AST-1 --threat "Heavy rain" --vulnerability "Data room on the ground floor" \
        --availability true --likelihood 2 --impact 5 --treatment "modify, share" \
        --controls "7.5, 8.14" --residual-likelihood 1 --residual-impact 4 --status treating
    i risk add --title "Lost handheld scanner exposes shipment data" --owner "$HUB" \
        --assets AST-5 --threat "Loss or theft" --vulnerability "No device encryption" \
        --confidentiality true --likelihood 3 --impact 2 --treatment retain --status assessed
    i risk add --title "Cloud tenant misconfiguration exposes documents" --owner "$ITOPS" \
        --assets AST-4 --confidentiality true --likelihood 3 --impact 3 --treatment modify \
        --controls "5.23, 8.9" --residual-likelihood 2 --residual-impact 2 --status treating
    i risk add --title "Fraudulent change of a carrier's bank details" --owner "$BUY" \
        --assets AST-6 --threat "Business email compromise" --integrity true --likelihood 3 \
        --impact 4 --treatment modify --controls "5.14, 6.3" --residual-likelihood 2 \
        --residual-impact 3 --status treating
    i risk add --title "Departing dispatcher keeps access to the TMS" --owner "$HR" \
        --assets AST-1,AST-6 --confidentiality true --integrity true --likelihood 3 --impact 3 \
        --treatment modify --controls "5.18, 6.5" --residual-likelihood 1 --residual-impact 3 \
        --status treating
    i risk add --title "EDI partner outage stops customs declarations" --owner "$COO" \
        --availability true --scenario "A carrier's EDI platform fails for two days." \
        --likelihood 2 --impact 3 --treatment share --controls "5.19, 5.21" --status assessed
    i risk add --title "Unpatched warehouse Wi-Fi access points" --owner "$ITOPS" \
        --assets AST-5 --vulnerability "Firmware three years old" --confidentiality true \
        --integrity true --likelihood 2 --impact 2 --treatment modify --controls "8.8, 8.20" \
        --residual-likelihood 1 --residual-impact 2 --status treating
    i risk add --title "Backups of the TMS never restored in a test" --owner "$IT" \
        --assets AST-1 --availability true --likelihood 3 --impact 5 --treatment modify \
        --controls "8.13" --residual-likelihood 1 --residual-impact 5 --status treating

    # 6.1.3 / 8.3 Treatment actions with due dates; the first one is overdue.
    i risk-action add --title "Patch the TMS application servers monthly" --owner "$ITOPS" \
        --due-date "$(date -u -d '-20 days' +%Y-%m-%d)" --status in-progress --progress 40 \
        --risks RSK-1 --controls "8.8"
    i risk-action add --title "Enforce MFA on every mailbox" --owner "$ITOPS" \
        --due-date "$(date -u -d '+30 days' +%Y-%m-%d)" --status in-progress --progress 70 \
        --risks RSK-2 --controls "8.5"
    i risk-action add --title "Move the servers to the first floor" --owner "$HUB" \
        --due-date "$(date -u -d '+120 days' +%Y-%m-%d)" --status planned --risks RSK-3 \
        --controls "7.5"
    i risk-action add --title "Call-back check for bank detail changes" --owner "$BUY" \
        --due-date "$(date -u -d '+14 days' +%Y-%m-%d)" --status planned --risks RSK-6 \
        --controls "5.14"
    i risk-action add --title "Quarterly restore test of the TMS backup" --owner "$IT" \
        --due-date "$(date -u -d '+45 days' +%Y-%m-%d)" --status planned --risks RSK-10,RSK-1 \
        --controls "8.13"
    i risk-action add --title "Leaver checklist removes TMS access on the last day" \
        --owner "$HR" --due-date "$(date -u -d '-60 days' +%Y-%m-%d)" --status done \
        --progress 100 --risks RSK-7 --controls "5.18"

    # 6.1.1 Risks and opportunities of the ISMS itself.
    i isms-risk add --title "Staff turnover undermines awareness" --type risk --owner "$HR" \
        --issues ISS-5 --actions "Security induction in the first week for every new hire." \
        --processes PRC-5 --evaluation "Phishing simulation results each quarter." \
        --status acting
    i isms-risk add --title "Certification opens retail tenders" --type opportunity \
        --owner "$SALES" --issues ISS-2,ISS-1 --requirements REQ-3 \
        --actions "Use the ISMS evidence in tender answers." --status open
    echo "Created the demo ISMS in $DB."
else
    echo "Using the demo ISMS in $DB."
fi

say kinds
say person list --sort department
say person list --top-management true
say context-issue list
say requirement list --addressed partly
say process show PRC-1
say risk-method matrix
say risk list --sort -level
say person show PER-4
say user list
say log verify
cat <<MSG

That was the command line. Try, for example:
  export ISMS_DB=$DB
  $ISMS context-issue add --title "New supplier portal" --origin internal --category technological
  $ISMS requirement list --sort -title
  $ISMS interested-party retire IP-6 --reason "test"     (refused: requirements refer to it)
  $ISMS person retire PER-4 --reason "Left the company"  (refused: she owns records in force)
  $ISMS context-issue list --owner PER-4
  $ISMS risk-method preset 4 > m.json    (then: risk-method add --title T --definition-file m.json)
  $ISMS context-issue history ISS-1                 (its versions, from the change log)
  $ISMS log list --limit 5
  $ISMS --help
MSG

# The demo in the browser, and its JSON API (with a read-only token that expires tomorrow).
PORT=${PORT:-8080}
TOMORROW=$(date -u -d tomorrow +%Y-%m-%d)
TOKEN=$("$ISMS" token create --role viewer --expires "$TOMORROW" --label "make run")
cat <<MSG

Serving the demo ISMS. Open it in a browser:

    http://127.0.0.1:$PORT/

MSG
if [ -n "$PASSWORD" ]; then
    cat <<MSG
Log in as admin with password $PASSWORD
(shown this once: note it; delete $DB to start again with a new one)
MSG
else
    echo "Log in as admin with the password shown when $DB was created (delete $DB to start again)."
fi
cat <<MSG

The same records as JSON, with a read-only API token made for this run:
  curl -s -H 'Authorization: Bearer $TOKEN' \\
       http://127.0.0.1:$PORT/api/v1/requirements?addressed=partly
MSG
exec "$ISMS" serve --db "$DB" --listen "127.0.0.1:$PORT"
