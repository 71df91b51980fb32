"""Numbered schema migrations. Append only: a released migration is never edited.

The store records the version it is at; opening an older file applies the missing steps in
one transaction, opening a newer one is refused (see store.py).
"""

from __future__ import annotations

PRODUCT_ID = "service-improvement-dashboard"

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "catalogue, uploads and observations",
        """
        CREATE TABLE store_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
        CREATE SEQUENCE metric_seq START 1;
        CREATE TABLE metric (
            id INTEGER PRIMARY KEY DEFAULT nextval('metric_seq'),
            name VARCHAR NOT NULL UNIQUE,
            name_key VARCHAR NOT NULL UNIQUE,
            name_en VARCHAR,
            name_zh VARCHAR,
            aliases VARCHAR,
            unit VARCHAR,
            category VARCHAR,
            direction VARCHAR NOT NULL DEFAULT 'neutral',
            service VARCHAR,
            process VARCHAR,
            owner VARCHAR,
            weight DOUBLE NOT NULL DEFAULT 1,
            tolerance DOUBLE NOT NULL DEFAULT 0,
            decimals INTEGER NOT NULL DEFAULT 1,
            definition VARCHAR,
            created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            created_by VARCHAR,
            updated_at TIMESTAMP,
            updated_by VARCHAR
        );
        CREATE TABLE metric_alias (
            alias_key VARCHAR PRIMARY KEY,
            metric_id INTEGER NOT NULL
        );
        CREATE SEQUENCE upload_seq START 1;
        CREATE TABLE upload (
            id INTEGER PRIMARY KEY DEFAULT nextval('upload_seq'),
            file_name VARCHAR NOT NULL,
            sha256 VARCHAR NOT NULL,
            uploaded_by VARCHAR NOT NULL,
            uploaded_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            source VARCHAR NOT NULL,
            rows_read INTEGER NOT NULL,
            values_new INTEGER NOT NULL,
            values_changed INTEGER NOT NULL,
            values_unchanged INTEGER NOT NULL,
            values_missing INTEGER NOT NULL,
            metrics_created INTEGER NOT NULL DEFAULT 0,
            outcome VARCHAR NOT NULL,
            rolled_back_at TIMESTAMP,
            rolled_back_by VARCHAR
        );
        CREATE TABLE observation (
            metric_id INTEGER NOT NULL,
            period DATE NOT NULL,
            value DOUBLE NOT NULL,
            upload_id INTEGER NOT NULL,
            target DOUBLE,
            note VARCHAR,
            sheet VARCHAR,
            row_number INTEGER,
            superseded_by INTEGER,
            retracted BOOLEAN NOT NULL DEFAULT false
        );
        CREATE VIEW current_observation AS
            SELECT * FROM observation WHERE superseded_by IS NULL AND NOT retracted;
        CREATE TABLE suggestion (
            upload_id INTEGER NOT NULL,
            metric_id INTEGER,
            period DATE,
            text VARCHAR NOT NULL,
            sheet VARCHAR,
            row_number INTEGER
        );
        """,
    ),
    (
        2,
        "versioned baselines and targets",
        """
        CREATE SEQUENCE baseline_seq START 1;
        CREATE TABLE baseline (
            id INTEGER PRIMARY KEY DEFAULT nextval('baseline_seq'),
            metric_id INTEGER NOT NULL,
            cycle INTEGER NOT NULL,
            from_period DATE NOT NULL,
            baseline DOUBLE,
            target DOUBLE,
            set_by VARCHAR NOT NULL,
            set_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            reason VARCHAR,
            method VARCHAR,
            record_id INTEGER
        );
        """,
    ),
    (
        3,
        "users, improvement records and their audit trail",
        """
        CREATE SEQUENCE user_seq START 1;
        CREATE TABLE app_user (
            id INTEGER PRIMARY KEY DEFAULT nextval('user_seq'),
            name VARCHAR NOT NULL UNIQUE,
            role VARCHAR NOT NULL,
            password_hash VARCHAR,
            active BOOLEAN NOT NULL DEFAULT true,
            created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            created_by VARCHAR
        );
        CREATE SEQUENCE record_seq START 1;
        CREATE TABLE improvement_record (
            id INTEGER PRIMARY KEY DEFAULT nextval('record_seq'),
            title VARCHAR NOT NULL,
            description VARCHAR,
            source VARCHAR NOT NULL,
            state VARCHAR NOT NULL,
            metric_id INTEGER,
            period DATE,
            snapshot VARCHAR,
            root_cause VARCHAR,
            planned_actions VARCHAR,
            resources VARCHAR,
            expected_value DOUBLE,
            expected_by DATE,
            owner VARCHAR,
            due_date DATE,
            priority VARCHAR,
            change_ref VARCHAR,
            go_live DATE,
            raised_by VARCHAR NOT NULL,
            raised_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            closed_at TIMESTAMP,
            baseline_version_id INTEGER
        );
        CREATE TABLE record_metric (record_id INTEGER NOT NULL, metric_id INTEGER NOT NULL);
        CREATE SEQUENCE record_event_seq START 1;
        CREATE TABLE record_event (
            id INTEGER PRIMARY KEY DEFAULT nextval('record_event_seq'),
            record_id INTEGER NOT NULL,
            event_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            by_user VARCHAR NOT NULL,
            role VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            from_state VARCHAR,
            to_state VARCHAR,
            comment VARCHAR,
            details VARCHAR
        );
        """,
    ),
    (
        4,
        "business impact: the metric that gives the volume, and the cost of one unit of gap",
        """
        ALTER TABLE metric ADD COLUMN volume_metric VARCHAR;
        ALTER TABLE metric ADD COLUMN unit_cost DOUBLE;
        """,
    ),
    (
        5,
        "sign-in attempts, for slowing down and locking out password guessing",
        """
        CREATE TABLE sign_in_attempt (name_key VARCHAR NOT NULL, attempted_at TIMESTAMP NOT NULL, ok BOOLEAN NOT NULL);
        """,
    ),
    (
        6,
        "the processes a process owner uploads for, and who changed which account when",
        """
        ALTER TABLE app_user ADD COLUMN processes VARCHAR[] DEFAULT [];
        CREATE TABLE user_event (
            changed_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            by_user VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            change VARCHAR NOT NULL
        );
        """,
    ),
    (
        7,
        "the upload that created a metric (--create-metrics), so that rolling it back can remove it",
        """
        ALTER TABLE metric ADD COLUMN created_by_upload INTEGER;
        """,
    ),
    (
        8,
        "the earlier uploads whose current values an upload restated unchanged, so that rolling one back is refused",
        """
        CREATE TABLE restatement (upload_id INTEGER NOT NULL, restated_upload INTEGER NOT NULL);
        """,
    ),
]

LATEST_VERSION = MIGRATIONS[-1][0]
