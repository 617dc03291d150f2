echo "$GREETING from ecr-build-push's example app"
