#!/bin/bash
# Creates what the worker expects in LocalStack (see docker/compose.yaml).
set -euo pipefail
awslocal dynamodb create-table --table-name shop --billing-mode PAY_PER_REQUEST \
  --attribute-definitions AttributeName=PK,AttributeType=S AttributeName=SK,AttributeType=S \
  --key-schema AttributeName=PK,KeyType=HASH AttributeName=SK,KeyType=RANGE \
  --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES
awslocal dynamodb update-time-to-live --table-name shop --time-to-live-specification Enabled=true,AttributeName=expiresAt
awslocal dynamodb create-table --table-name shop-stream-idempotency --billing-mode PAY_PER_REQUEST \
  --attribute-definitions AttributeName=id,AttributeType=S --key-schema AttributeName=id,KeyType=HASH
awslocal ses verify-email-identity --email-address orders@shop.example
awslocal sns create-topic --name shop-waitlist
awslocal sns create-topic --name shop-analytics.fifo --attributes FifoTopic=true
awslocal sqs create-queue --queue-name shop-stream-dlq
