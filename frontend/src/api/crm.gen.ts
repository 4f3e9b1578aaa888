// Code generated from storage/crm by `go test ./storage/crm -run TestCatalogueGenerated -args -update-ts`; DO NOT EDIT.

// The Dynamics 365 record types chats can be linked to, in catalogue order.
export const recordSets = ["incidents", "accounts", "contacts", "opportunities", "knowledgearticles"] as const;

export type RecordSet = (typeof recordSets)[number];

// The annotation a row carries Dynamics' formatted value of a column in
// (column + formattedSuffix), in the language of the user's Dynamics.
export const formattedSuffix = "@OData.Community.Display.V1.FormattedValue";

// The organisation's currencies, a record's currency (a lookup to
// them) and a currency's ISO 4217 code.
export const currencySet = "transactioncurrencies";
export const currencyColumn = "_transactioncurrencyid_value";
export const currencyCode = "isocurrencycode";

// A column with its English label and its label's translation key.
export interface CrmField {
  name: string;
  label: string;
  key: CrmLabelKey;
}

// An option-set value with its English label and its translation key.
export interface CrmOption {
  value: number;
  label: string;
  key: CrmLabelKey;
}

// A record type: entity set, logical name, primary id column; text: the
// columns of its searchable text, the first non-empty one its title;
// number and email: the columns people know a record by; fields: the
// columns Records, cards and timelines show; card and keyFields: the
// default card and key fields; table: the Records view's columns;
// options: the option sets, by column; money: the columns in the
// record's currency; activities: tasks and notes are
// made for its records.
export interface CrmSet {
  name: RecordSet;
  logical: string;
  key: string;
  text: string[];
  number?: string;
  email?: string;
  activities?: boolean;
  money?: string[];
  fields: CrmField[];
  card: string[];
  keyFields: string[];
  table: string[];
  options: Record<string, CrmOption[]>;
}

export const crmSets: Record<RecordSet, CrmSet> = {
  incidents: {
    name: "incidents",
    logical: "incident",
    key: "incidentid",
    text: ["title", "ticketnumber", "description"],
    number: "ticketnumber",
    activities: true,
    fields: [
      { name: "title", label: "Title", key: "crm.field.incidents.title" },
      { name: "ticketnumber", label: "Case number", key: "crm.field.incidents.ticketnumber" },
      { name: "prioritycode", label: "Priority", key: "crm.field.incidents.prioritycode" },
      { name: "statecode", label: "Status", key: "crm.field.incidents.statecode" },
      { name: "statuscode", label: "Status reason", key: "crm.field.incidents.statuscode" },
      { name: "description", label: "Description", key: "crm.field.incidents.description" },
      { name: "createdon", label: "Created on", key: "crm.field.incidents.createdon" },
      { name: "modifiedon", label: "Modified on", key: "crm.field.incidents.modifiedon" },
    ],
    card: ["title", "ticketnumber", "prioritycode", "statecode", "statuscode"],
    keyFields: ["prioritycode", "statecode", "statuscode"],
    table: ["ticketnumber", "title", "prioritycode", "statecode"],
    options: {
      prioritycode: [
        { value: 1, label: "High", key: "crm.option.incidents.prioritycode.1" },
        { value: 2, label: "Normal", key: "crm.option.incidents.prioritycode.2" },
        { value: 3, label: "Low", key: "crm.option.incidents.prioritycode.3" },
      ],
      statecode: [
        { value: 0, label: "Active", key: "crm.option.incidents.statecode.0" },
        { value: 1, label: "Resolved", key: "crm.option.incidents.statecode.1" },
        { value: 2, label: "Cancelled", key: "crm.option.incidents.statecode.2" },
      ],
      statuscode: [
        { value: 1, label: "In Progress", key: "crm.option.incidents.statuscode.1" },
        { value: 2, label: "On Hold", key: "crm.option.incidents.statuscode.2" },
        { value: 3, label: "Waiting for Details", key: "crm.option.incidents.statuscode.3" },
        { value: 4, label: "Researching", key: "crm.option.incidents.statuscode.4" },
        { value: 5, label: "Problem Solved", key: "crm.option.incidents.statuscode.5" },
        { value: 1000, label: "Information Provided", key: "crm.option.incidents.statuscode.1000" },
        { value: 6, label: "Cancelled", key: "crm.option.incidents.statuscode.6" },
        { value: 2000, label: "Merged", key: "crm.option.incidents.statuscode.2000" },
      ],
    },
  },
  accounts: {
    name: "accounts",
    logical: "account",
    key: "accountid",
    text: ["name", "accountnumber", "emailaddress1", "websiteurl", "address1_city", "description"],
    number: "accountnumber",
    email: "emailaddress1",
    activities: true,
    fields: [
      { name: "name", label: "Name", key: "crm.field.accounts.name" },
      { name: "accountnumber", label: "Account number", key: "crm.field.accounts.accountnumber" },
      { name: "emailaddress1", label: "E-mail", key: "crm.field.accounts.emailaddress1" },
      { name: "telephone1", label: "Phone", key: "crm.field.accounts.telephone1" },
      { name: "address1_city", label: "City", key: "crm.field.accounts.address1_city" },
      { name: "websiteurl", label: "Website", key: "crm.field.accounts.websiteurl" },
      { name: "accountcategorycode", label: "Category", key: "crm.field.accounts.accountcategorycode" },
      { name: "statecode", label: "Status", key: "crm.field.accounts.statecode" },
      { name: "modifiedon", label: "Modified on", key: "crm.field.accounts.modifiedon" },
    ],
    card: ["name", "accountnumber", "emailaddress1", "telephone1", "address1_city"],
    keyFields: ["statecode"],
    table: ["name", "accountnumber", "address1_city", "emailaddress1"],
    options: {
      statecode: [
        { value: 0, label: "Active", key: "crm.option.accounts.statecode.0" },
        { value: 1, label: "Inactive", key: "crm.option.accounts.statecode.1" },
      ],
    },
  },
  contacts: {
    name: "contacts",
    logical: "contact",
    key: "contactid",
    text: ["fullname", "emailaddress1", "jobtitle"],
    email: "emailaddress1",
    activities: true,
    fields: [
      { name: "fullname", label: "Name", key: "crm.field.contacts.fullname" },
      { name: "jobtitle", label: "Job title", key: "crm.field.contacts.jobtitle" },
      { name: "emailaddress1", label: "E-mail", key: "crm.field.contacts.emailaddress1" },
      { name: "telephone1", label: "Phone", key: "crm.field.contacts.telephone1" },
      { name: "statecode", label: "Status", key: "crm.field.contacts.statecode" },
      { name: "modifiedon", label: "Modified on", key: "crm.field.contacts.modifiedon" },
    ],
    card: ["fullname", "jobtitle", "emailaddress1", "telephone1"],
    keyFields: ["statecode"],
    table: ["fullname", "jobtitle", "emailaddress1"],
    options: {
      statecode: [
        { value: 0, label: "Active", key: "crm.option.contacts.statecode.0" },
        { value: 1, label: "Inactive", key: "crm.option.contacts.statecode.1" },
      ],
    },
  },
  opportunities: {
    name: "opportunities",
    logical: "opportunity",
    key: "opportunityid",
    text: ["name", "stepname", "description"],
    money: ["estimatedvalue"],
    activities: true,
    fields: [
      { name: "name", label: "Topic", key: "crm.field.opportunities.name" },
      { name: "stepname", label: "Stage", key: "crm.field.opportunities.stepname" },
      { name: "estimatedvalue", label: "Est. revenue", key: "crm.field.opportunities.estimatedvalue" },
      { name: "estimatedclosedate", label: "Est. close date", key: "crm.field.opportunities.estimatedclosedate" },
      { name: "statecode", label: "Status", key: "crm.field.opportunities.statecode" },
      { name: "modifiedon", label: "Modified on", key: "crm.field.opportunities.modifiedon" },
    ],
    card: ["name", "stepname", "estimatedvalue", "estimatedclosedate"],
    keyFields: ["stepname", "statecode"],
    table: ["name", "stepname", "estimatedvalue", "statecode"],
    options: {
      statecode: [
        { value: 0, label: "Open", key: "crm.option.opportunities.statecode.0" },
        { value: 1, label: "Won", key: "crm.option.opportunities.statecode.1" },
        { value: 2, label: "Lost", key: "crm.option.opportunities.statecode.2" },
      ],
    },
  },
  knowledgearticles: {
    name: "knowledgearticles",
    logical: "knowledgearticle",
    key: "knowledgearticleid",
    text: ["title", "articlepublicnumber", "description", "keywords"],
    number: "articlepublicnumber",
    fields: [
      { name: "title", label: "Title", key: "crm.field.knowledgearticles.title" },
      { name: "articlepublicnumber", label: "Article number", key: "crm.field.knowledgearticles.articlepublicnumber" },
      { name: "keywords", label: "Keywords", key: "crm.field.knowledgearticles.keywords" },
      { name: "statecode", label: "Status", key: "crm.field.knowledgearticles.statecode" },
      { name: "description", label: "Description", key: "crm.field.knowledgearticles.description" },
      { name: "modifiedon", label: "Modified on", key: "crm.field.knowledgearticles.modifiedon" },
    ],
    card: ["title", "articlepublicnumber", "keywords"],
    keyFields: ["statecode"],
    table: ["articlepublicnumber", "title", "statecode"],
    options: {
      statecode: [
        { value: 0, label: "Draft", key: "crm.option.knowledgearticles.statecode.0" },
        { value: 1, label: "Approved", key: "crm.option.knowledgearticles.statecode.1" },
        { value: 2, label: "Scheduled", key: "crm.option.knowledgearticles.statecode.2" },
        { value: 3, label: "Published", key: "crm.option.knowledgearticles.statecode.3" },
        { value: 4, label: "Expired", key: "crm.option.knowledgearticles.statecode.4" },
        { value: 5, label: "Archived", key: "crm.option.knowledgearticles.statecode.5" },
        { value: 6, label: "Discarded", key: "crm.option.knowledgearticles.statecode.6" },
      ],
    },
  },
};

// English labels of fields and option values, by translation key
// (crm.field.SET.FIELD, crm.option.SET.FIELD.VALUE). The UI's other
// languages translate every one of them (src/i18n/crm.ts).
export const crmLabelsEn = {
  "crm.field.accounts.accountcategorycode": "Category",
  "crm.field.accounts.accountnumber": "Account number",
  "crm.field.accounts.address1_city": "City",
  "crm.field.accounts.emailaddress1": "E-mail",
  "crm.field.accounts.modifiedon": "Modified on",
  "crm.field.accounts.name": "Name",
  "crm.field.accounts.statecode": "Status",
  "crm.field.accounts.telephone1": "Phone",
  "crm.field.accounts.websiteurl": "Website",
  "crm.field.contacts.emailaddress1": "E-mail",
  "crm.field.contacts.fullname": "Name",
  "crm.field.contacts.jobtitle": "Job title",
  "crm.field.contacts.modifiedon": "Modified on",
  "crm.field.contacts.statecode": "Status",
  "crm.field.contacts.telephone1": "Phone",
  "crm.field.incidents.createdon": "Created on",
  "crm.field.incidents.description": "Description",
  "crm.field.incidents.modifiedon": "Modified on",
  "crm.field.incidents.prioritycode": "Priority",
  "crm.field.incidents.statecode": "Status",
  "crm.field.incidents.statuscode": "Status reason",
  "crm.field.incidents.ticketnumber": "Case number",
  "crm.field.incidents.title": "Title",
  "crm.field.knowledgearticles.articlepublicnumber": "Article number",
  "crm.field.knowledgearticles.description": "Description",
  "crm.field.knowledgearticles.keywords": "Keywords",
  "crm.field.knowledgearticles.modifiedon": "Modified on",
  "crm.field.knowledgearticles.statecode": "Status",
  "crm.field.knowledgearticles.title": "Title",
  "crm.field.opportunities.estimatedclosedate": "Est. close date",
  "crm.field.opportunities.estimatedvalue": "Est. revenue",
  "crm.field.opportunities.modifiedon": "Modified on",
  "crm.field.opportunities.name": "Topic",
  "crm.field.opportunities.statecode": "Status",
  "crm.field.opportunities.stepname": "Stage",
  "crm.option.accounts.statecode.0": "Active",
  "crm.option.accounts.statecode.1": "Inactive",
  "crm.option.contacts.statecode.0": "Active",
  "crm.option.contacts.statecode.1": "Inactive",
  "crm.option.incidents.prioritycode.1": "High",
  "crm.option.incidents.prioritycode.2": "Normal",
  "crm.option.incidents.prioritycode.3": "Low",
  "crm.option.incidents.statecode.0": "Active",
  "crm.option.incidents.statecode.1": "Resolved",
  "crm.option.incidents.statecode.2": "Cancelled",
  "crm.option.incidents.statuscode.1": "In Progress",
  "crm.option.incidents.statuscode.1000": "Information Provided",
  "crm.option.incidents.statuscode.2": "On Hold",
  "crm.option.incidents.statuscode.2000": "Merged",
  "crm.option.incidents.statuscode.3": "Waiting for Details",
  "crm.option.incidents.statuscode.4": "Researching",
  "crm.option.incidents.statuscode.5": "Problem Solved",
  "crm.option.incidents.statuscode.6": "Cancelled",
  "crm.option.knowledgearticles.statecode.0": "Draft",
  "crm.option.knowledgearticles.statecode.1": "Approved",
  "crm.option.knowledgearticles.statecode.2": "Scheduled",
  "crm.option.knowledgearticles.statecode.3": "Published",
  "crm.option.knowledgearticles.statecode.4": "Expired",
  "crm.option.knowledgearticles.statecode.5": "Archived",
  "crm.option.knowledgearticles.statecode.6": "Discarded",
  "crm.option.opportunities.statecode.0": "Open",
  "crm.option.opportunities.statecode.1": "Won",
  "crm.option.opportunities.statecode.2": "Lost",
};

export type CrmLabelKey = keyof typeof crmLabelsEn;
